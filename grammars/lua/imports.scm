; offgrid (MIT)
(variable_declaration (assignment_statement (variable_list name: (identifier) @name) (expression_list value: (function_call name: (identifier) @_req (#eq? @_req "require"))))) @import
