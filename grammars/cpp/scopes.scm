; offgrid (MIT)
(function_definition) @scope
(class_specifier body: (field_declaration_list)) @scope
(struct_specifier body: (field_declaration_list)) @scope
(namespace_definition) @scope
(template_declaration) @scope
