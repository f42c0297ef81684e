; offgrid (MIT)
(import_statement name: (dotted_name (identifier) @name .)) @import
(import_statement name: (aliased_import name: (dotted_name (identifier) @name .))) @import
(import_from_statement name: (dotted_name (identifier) @name)) @import
(import_from_statement name: (aliased_import name: (dotted_name (identifier) @name))) @import
(import_from_statement (wildcard_import)) @import
(future_import_statement) @import
(import_from_statement module_name: (dotted_name (identifier) @name .))
(import_from_statement module_name: (relative_import (dotted_name (identifier) @name .)))
