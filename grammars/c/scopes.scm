; offgrid (MIT)
(function_definition) @scope
(struct_specifier body: (field_declaration_list)) @scope
