; offgrid (MIT)
(function_item) @scope
(impl_item) @scope
(trait_item) @scope
(mod_item) @scope
