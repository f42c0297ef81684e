; offgrid (MIT)
(function_declaration) @scope
(generator_function_declaration) @scope
(class_declaration) @scope
(abstract_class_declaration) @scope
(interface_declaration) @scope
(method_definition) @scope
(module) @scope
(lexical_declaration (variable_declarator value: [(arrow_function) (function_expression)])) @scope
