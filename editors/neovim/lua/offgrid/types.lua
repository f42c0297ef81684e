---@meta
-- LuaLS annotations for offgrid's public options (no code runs from this file).

---@class offgrid.Keys
---@field accept? string|false Accept the whole suggestion (default "<Tab>").
---@field accept_word? string|false Accept the next word (default "<M-Right>").
---@field accept_line? string|false Accept the rest of the line (default "<M-Down>").
---@field dismiss? string|false Hide the suggestion; the next keystroke asks again (default "<C-]>").
---@field next? string|false Next suggestion, or ask for one when none is shown (default "<M-]>").
---@field prev? string|false Previous suggestion (default "<M-[>").

---@class offgrid.Opts
---@field cmd? string[] How to start the server (default { "offgrid", "serve" }).
---@field settings? table Sent as initializationOptions: camelCase keys of the server's Settings, e.g. { model = "/path/m.gguf", preset = "qwen2.5-coder-0.5b", completion = { maxTokens = 64 } }.
---@field filetypes? string[] Filetypes to attach to (default: every file buffer).
---@field root_markers? string[] Files that mark a project root; one server runs per root (default { ".git" }).
---@field debounce_ms? integer Quiet time after a keystroke before asking (default 75).
---@field keys? offgrid.Keys Insert-mode keys; false disables one.
---@field inline? "auto"|"builtin"|"plugin" Who renders suggestions: Neovim 0.12's vim.lsp.inline_completion ("builtin"), this plugin's extmarks ("plugin"), or the first one available ("auto", the default).
