; offgrid (MIT)
(import_statement (import_clause (identifier) @name)) @import
(import_statement (import_clause (named_imports (import_specifier name: (identifier) @name)))) @import
(import_statement (import_clause (namespace_import (identifier) @name))) @import
(import_statement) @import
(lexical_declaration (variable_declarator value: (call_expression function: (identifier) @_req (#eq? @_req "require")))) @import
(lexical_declaration (variable_declarator name: (identifier) @name value: (call_expression function: (identifier) @_r (#eq? @_r "require"))))
(lexical_declaration (variable_declarator name: (object_pattern (shorthand_property_identifier_pattern) @name) value: (call_expression function: (identifier) @_q (#eq? @_q "require"))))
