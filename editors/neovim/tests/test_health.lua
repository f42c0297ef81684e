-- :checkhealth offgrid runs the configured server command's --version and `offgrid doctor` for the configured model.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h") .. "/helpers.lua")

H.run(function()
  H.open("x.py", "x = 1")
  H.start()
  vim.cmd("checkhealth offgrid")
  local report = H.wait("the health report", function()
    local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n")
    return text:find("server%(s%) running") and text
  end, 180000)
  H.log(report)
  H.truthy(report:find("OK server command: " .. os.getenv("OFFGRID_BIN") .. " serve", 1, true), "names the command")
  H.truthy(report:find("OK version: offgrid %d+%.%d+"), "reports the version")
  H.truthy(report:find("OK `offgrid doctor`: completions can work", 1, true), "doctor's verdict")
  H.truthy(report:find(os.getenv("OFFGRID_TEST_MODEL"), 1, true), "doctor checked the configured model")
  H.truthy(report:find("1 offgrid server(s) running", 1, true), "counts the running server")
end)
