; offgrid (MIT)
(identifier) @reference
(type_identifier) @reference
