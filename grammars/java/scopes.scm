; offgrid (MIT)
(class_declaration) @scope
(record_declaration) @scope
(interface_declaration) @scope
(enum_declaration) @scope
(method_declaration) @scope
(constructor_declaration) @scope
