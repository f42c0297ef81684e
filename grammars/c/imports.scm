; offgrid (MIT)
(preproc_include path: (_) @name) @import
