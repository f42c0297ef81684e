; offgrid (MIT)
(use_declaration argument: (scoped_identifier name: (identifier) @name)) @import
(use_declaration argument: (identifier) @name) @import
(use_declaration argument: (scoped_use_list list: (use_list (identifier) @name))) @import
(use_declaration argument: (scoped_use_list list: (use_list (scoped_identifier name: (identifier) @name)))) @import
(use_declaration argument: (use_as_clause alias: (identifier) @name)) @import
(use_declaration) @import
(extern_crate_declaration) @import
