; offgrid (MIT)
(identifier) @reference
