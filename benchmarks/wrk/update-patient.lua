-- PUT /fhir/Patient/{id} round robin over the seeded ids; the body carries the matching id.
package.path = (os.getenv("LOAD_WRK_DIR") or ".") .. "/?.lua;" .. package.path
local common = require("common")
local paths, bodies, headers, next_index

setup = common.setup
done = common.done

function init()
  local patient = common.read_file((os.getenv("LOAD_WRK_DIR") or ".") .. "/patient.json")
  -- patient.json starts with {"resourceType":"Patient", — splice the id in after it.
  local head, tail = patient:match('^(%{"resourceType":"Patient",)(.*)$')
  assert(head, "patient.json must start with {\"resourceType\":\"Patient\",")
  paths, bodies = {}, {}
  for i, id in ipairs(common.read_lines(os.getenv("LOAD_IDS_FILE"))) do
    paths[i] = wrk.path .. "/Patient/" .. id
    bodies[i] = head .. '"id":"' .. id .. '",' .. tail
  end
  headers = common.write_headers()
  -- Threads start far apart in the list so they rarely update the same Patient at once.
  next_index = math.floor((thread_index or 0) * #paths / 7)
end

function request()
  next_index = next_index % #paths + 1
  return wrk.format("PUT", paths[next_index], headers, bodies[next_index])
end
