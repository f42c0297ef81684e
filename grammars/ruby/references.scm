; offgrid (MIT)
(identifier) @reference
(constant) @reference
