; offgrid (MIT)
(function_definition) @scope
(class_definition) @scope
