-- Argo CD health of kasm.io objects (KasmUser, KasmGroup, ...): one script for every kind.
-- It reads what kasm-operator writes: conditions Ready, Synced and Stalled, each with an
-- observedGeneration, status.observedGeneration, the kasm.io/paused annotation and deletion.
--   Progressing  being deleted; no status yet; a generation not observed yet; Ready False or
--                Unknown for a reason that resolves by itself (Creating, Updating,
--                ReferenceNotReady, KasmUnavailable ...)
--   Suspended    annotation kasm.io/paused: "true"
--   Degraded     Stalled True, or Ready False for a reason only a person can fix (invalid spec,
--                missing Secret, name conflict, rejected credentials or permissions, drift or
--                absence the management policies forbid correcting)
--   Healthy      Ready True for the current generation (a transient failure of the last poll
--                shows in the message only)
local hs = {}

local PERMANENT_REASONS = {
  InvalidSpec = true,
  SecretNotFound = true,
  Conflict = true,
  AuthenticationFailed = true,
  PermissionDenied = true,
  Drifted = true,
  NotFound = true,
}

local function findCondition(conditions, conditionType)
  if type(conditions) ~= "table" then
    return nil
  end
  for _, condition in ipairs(conditions) do
    if condition.type == conditionType then
      return condition
    end
  end
  return nil
end

local function describe(condition, fallback)
  if condition == nil then
    return fallback
  end
  local reason = condition.reason or ""
  local message = condition.message or ""
  if reason ~= "" and message ~= "" then
    return reason .. ": " .. message
  end
  if message ~= "" then
    return message
  end
  if reason ~= "" then
    return reason
  end
  return fallback
end

local function result(status, message)
  hs.status = status
  hs.message = message
  return hs
end

local metadata = obj.metadata or {}
local annotations = metadata.annotations or {}
local status = obj.status or {}
local conditions = status.conditions
local generation = metadata.generation
local ready = findCondition(conditions, "Ready")

if metadata.deletionTimestamp ~= nil then
  return result("Progressing", describe(ready ~= nil and ready.reason ~= "Available" and ready or nil, "Deleting"))
end

if annotations["kasm.io/paused"] == "true" then
  return result("Suspended", "Reconciliation is paused by the annotation kasm.io/paused")
end

if type(conditions) ~= "table" or next(conditions) == nil then
  return result("Progressing", "Waiting for kasm-operator to report status")
end

local observed = status.observedGeneration
if generation ~= nil and (observed == nil or observed < generation) then
  return result("Progressing", "Waiting for kasm-operator to observe generation " .. tostring(generation))
end

local stalled = findCondition(conditions, "Stalled")
if stalled ~= nil and stalled.status == "True" then
  return result("Degraded", describe(stalled, "Stalled"))
end

local reconciling = findCondition(conditions, "Reconciling")
if reconciling ~= nil and reconciling.status == "True" then
  return result("Progressing", describe(reconciling, "Reconciling"))
end

if ready == nil then
  return result("Progressing", "Waiting for the Ready condition")
end

if generation ~= nil and ready.observedGeneration ~= nil and ready.observedGeneration < generation then
  return result("Progressing", "Waiting for kasm-operator to observe generation " .. tostring(generation))
end

if ready.status == "True" then
  local synced = findCondition(conditions, "Synced")
  if synced ~= nil and synced.status == "False" then
    return result("Healthy", "Ready; the last reconcile failed and is retried: " .. describe(synced, "ReconcileError"))
  end
  return result("Healthy", describe(ready, "Ready"))
end

if ready.status == "False" and PERMANENT_REASONS[ready.reason] then
  return result("Degraded", describe(ready, "Not ready"))
end

return result("Progressing", describe(ready, "Not ready"))
