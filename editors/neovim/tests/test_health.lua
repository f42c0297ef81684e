-- :checkhealth offgrid runs the configured server command's --version and `offgrid doctor` for the configured model,
-- and reports the running server's state.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h") .. "/helpers.lua")

H.run(function()
  H.open("x.py", "x = 1")
  H.start()
  vim.cmd("checkhealth offgrid")
  local report = H.wait("the health report", function()
    local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n")
    return text:find("server%(s%) running") and text:find(": ready") and text
  end, 180000)
  H.log(report)
  local model = os.getenv("OFFGRID_TEST_MODEL")
  H.truthy(report:find("OK server command: " .. os.getenv("OFFGRID_BIN") .. " serve", 1, true), "names the command")
  H.truthy(report:find("OK version: offgrid %d+%.%d+"), "reports the version")
  H.truthy(report:find("model: " .. model .. " (from settings.model)", 1, true), "names the model and its source")
  H.truthy(report:find("OK `offgrid doctor --model " .. model .. "`: completions can work", 1, true), "doctor's verdict")
  H.truthy(report:find("1 offgrid server(s) running", 1, true), "counts the running server")
  H.truthy(report:find("OK server %d+ %(root [^)]*%): ready with "), "the server's state and model")
end)
