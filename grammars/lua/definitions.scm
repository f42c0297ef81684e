; offgrid (MIT); node names from tree-sitter-lua's tags.scm (MIT)
(function_declaration name: (identifier) @name) @definition.function
(function_declaration name: (dot_index_expression field: (identifier) @name)) @definition.function
(function_declaration name: (method_index_expression method: (identifier) @name)) @definition.method
(assignment_statement (variable_list name: [(identifier) (dot_index_expression field: (identifier))] @name) (expression_list value: (function_definition))) @definition.function
(comment) @doc
