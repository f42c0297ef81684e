; offgrid (MIT)
(import_declaration (import_spec path: (interpreted_string_literal) @name)) @import
(import_declaration (import_spec_list (import_spec path: (interpreted_string_literal) @name))) @import
(package_clause) @import
