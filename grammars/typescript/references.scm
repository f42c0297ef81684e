; offgrid (MIT)
(identifier) @reference
(property_identifier) @reference
(type_identifier) @reference
