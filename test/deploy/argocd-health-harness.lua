-- Runs an Argo CD health script as Argo CD does: the object is the global `obj`, the script
-- returns a table with status and message. Only the base, string, table and math functions are
-- visible (no io, os or require), as in Argo CD's sandbox.
-- Usage: lua5.1 argocd-health-harness.lua <health.lua> <fixture.lua>
-- The fixture file returns the object as a Lua table. Prints the status, a newline, the message.
local scriptPath, fixturePath = arg[1], arg[2]
local fixture = assert(loadfile(fixturePath))
local script = assert(loadfile(scriptPath))
local env = {
  obj = fixture(),
  assert = assert, error = error, ipairs = ipairs, next = next, pairs = pairs, pcall = pcall,
  select = select, tonumber = tonumber, tostring = tostring, type = type, unpack = unpack,
  string = string, table = table, math = math,
}
setfenv(script, env)
local ok, hs = pcall(script)
if not ok then
  io.stderr:write("health script error: " .. tostring(hs) .. "\n")
  os.exit(2)
end
if type(hs) ~= "table" then
  io.stderr:write("health script returned " .. type(hs) .. ", not a table\n")
  os.exit(3)
end
io.write(tostring(hs.status), "\n", tostring(hs.message or ""))
