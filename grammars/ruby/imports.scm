; offgrid (MIT)
(program (call method: (identifier) @_req (#match? @_req "^require") arguments: (argument_list (string) @name)) @import)
