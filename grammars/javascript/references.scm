; offgrid (MIT)
(identifier) @reference
(property_identifier) @reference
