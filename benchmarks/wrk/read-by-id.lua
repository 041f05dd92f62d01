-- GET /fhir/Patient/{id} for random ids among the seeded Patients (LOAD_IDS_FILE).
-- The bare-Kestrel ceiling runs this same script so both sides pay the same client cost.
package.path = (os.getenv("LOAD_WRK_DIR") or ".") .. "/?.lua;" .. package.path
local common = require("common")
local paths

setup = common.setup
done = common.done

function init()
  paths = {}
  for i, id in ipairs(common.read_lines(os.getenv("LOAD_IDS_FILE"))) do
    paths[i] = wrk.path .. "/Patient/" .. id
  end
  math.randomseed(os.time() * 100 + (thread_index or 0))
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
