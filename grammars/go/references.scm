; offgrid (MIT)
(identifier) @reference
(field_identifier) @reference
(type_identifier) @reference
