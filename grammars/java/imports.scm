; offgrid (MIT)
(import_declaration (scoped_identifier name: (identifier) @name)) @import
(import_declaration) @import
(package_declaration) @import
