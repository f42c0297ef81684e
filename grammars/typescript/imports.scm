; offgrid (MIT)
(import_statement (import_clause (identifier) @name)) @import
(import_statement (import_clause (named_imports (import_specifier name: (identifier) @name)))) @import
(import_statement (import_clause (namespace_import (identifier) @name))) @import
(import_statement) @import
