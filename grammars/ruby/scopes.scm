; offgrid (MIT)
(method) @scope
(singleton_method) @scope
(class) @scope
(module) @scope
