/**
 * The Lua scripts that change stock counters in Redis. Each runs atomically, so an availability check and
 * the change it allows cannot be split by another order (docs/consistency.md, inventory counts), and each leaves a marker
 * that makes running it again a no-op. Every script first checks the epoch key (EPOCH_CHECK): the counters
 * are whole only on the Redis server that rebuilt them, since it was started (docs/inventory.md, "Reservations:
 * never oversell").
 *
 * Keys: `inv:sku:<sku>` is a hash with `on:<location>` (on hand), `res:<location>` (reserved),
 * `safe:<location>` (safety stock) and `rop:<location>` (reorder point, only where one is set); `inv:res:<reservationId>` is the reservation's marker
 * (`{"s": state, "l": [[location, quantity, sku], ...]}`); `inv:mv:<batchId>` a movement batch's marker
 * (the quantities it booked); `inv:epoch` is `<run_id>:<token>`: the server the counters were rebuilt on;
 * `inv:newest` the newest reservation taken (`{"e": epoch, "r": reservationId, "t": ms}`).
 */

/**
 * Lua shared by every script: the epoch, or why there is none that holds. 'noepoch': Redis lost its data or a
 * rebuild is under way. 'otherserver': the epoch was set on another Redis process (`run_id` changes on every
 * start, and a replica promoted by a failover has its own), so these keys may be an older snapshot (an RDB or
 * an AOF that lost its last second, a lagging replica) that lacks changes the store already holds. INFO costs
 * about 15 µs a script, and it is the only way to ask the server that runs the script, not the one the client
 * last connected to (ioredis resends unanswered commands to a new server after a reconnect).
 */
export const EPOCH_CHECK = `
local function current_epoch(key)
  local epoch = redis.call('get', key)
  if not epoch then return nil, 'noepoch' end
  local server = string.match(redis.call('info', 'server'), 'run_id:(%x+)')
  if string.sub(epoch, 1, #server + 1) ~= server .. ':' then return nil, 'otherserver' end
  return epoch
end
`;

const GUARD = `${EPOCH_CHECK}
local epoch, why = current_epoch(KEYS[1])
if not epoch then return {why} end
`;

/** KEYS: epoch. Answers 'ok' and the epoch, or why the counters are not whole. */
export const EPOCH_STATE = `${GUARD}
return {'ok', epoch}
`;

/**
 * The last step of a rebuild, inside its MULTI: the epoch names the server the counters were written to, and
 * only if that is still the server the rebuild started on (else it is left missing, and rebuilt again).
 * KEYS: epoch. ARGV: run_id at the start of the rebuild, token. Answers 1 when sealed.
 */
export const SEAL_EPOCH = `
local server = string.match(redis.call('info', 'server'), 'run_id:(%x+)')
if server ~= ARGV[1] then return 0 end
redis.call('set', KEYS[1], server .. ':' .. ARGV[2])
return 1
`;

/** KEYS: none. Answers the run_id of the server. */
export const SERVER_ID = `return string.match(redis.call('info', 'server'), 'run_id:(%x+)')`;

/** Lua shared by the scripts that take units: what can be promised at a location, and its reorder point. */
const FREE_AT = `
local function free_at(key, loc)
  local v = redis.call('hmget', key, 'on:' .. loc, 'res:' .. loc, 'safe:' .. loc, 'rop:' .. loc)
  return (tonumber(v[1]) or 0) - (tonumber(v[2]) or 0) - (tonumber(v[3]) or 0), tonumber(v[4])
end
`;

/**
 * Witnesses: markers of reservations taken under this epoch, the newest this process took and the newest any
 * process took (`inv:newest`, read every quarter second). Markers of active reservations never expire and only
 * a rebuild (a new epoch) removes them, so a witness missing under its own epoch means Redis went back in time
 * or lost keys without a restart (DEBUG RELOAD, a restored snapshot, a deleted key): 'diverged', and nothing
 * is taken until the counters are rebuilt. KEYS[3], KEYS[4]: the witnesses' markers (any key for none);
 * ARGV[1], ARGV[2]: the epochs they were taken under ('' for none).
 */
const WITNESS_CHECK = `
for w = 1, 2 do
  if ARGV[w] ~= '' and ARGV[w] == epoch and redis.call('exists', KEYS[2 + w]) == 0 then return {'diverged', epoch} end
end
`;

/**
 * KEYS: epoch, newest, own witness, global witness, marker, one SKU hash per line. ARGV: the witnesses'
 * epochs, marker JSON, reservation id, now (ms), then location and quantity per line. Answers 'ok', the
 * marker, the epoch, then for each line whose available to promise fell to its reorder point with this
 * reservation: the line's number, available after, reorder point. Taking units makes it the newest.
 */
export const RESERVE = `${FREE_AT}${GUARD}${WITNESS_CHECK}
local prior = redis.call('get', KEYS[5])
if prior then return {'applied', prior, epoch} end
local n = #KEYS - 5
local free = {}
for i = 1, n do
  free[i] = { free_at(KEYS[5 + i], ARGV[2 * i + 4]) }
  if free[i][1] < tonumber(ARGV[2 * i + 5]) then return {'conflict', tostring(i)} end
end
local answer = {'ok', ARGV[3], epoch}
for i = 1, n do
  local q = tonumber(ARGV[2 * i + 5])
  redis.call('hincrby', KEYS[5 + i], 'res:' .. ARGV[2 * i + 4], q)
  local rop = free[i][2]
  if rop and free[i][1] > rop and free[i][1] - q <= rop then
    answer[#answer + 1] = tostring(i)
    answer[#answer + 1] = tostring(free[i][1] - q)
    answer[#answer + 1] = tostring(rop)
  end
end
redis.call('set', KEYS[5], ARGV[3])
redis.call('set', KEYS[2], cjson.encode({e = epoch, r = ARGV[4], t = tonumber(ARGV[5])}))
return answer
`;

/**
 * Release (reserved units freed) or consume (reserved units leave on hand too).
 * KEYS: epoch, marker, one SKU hash per line in the marker's order. ARGV: 'released' | 'consumed', ttl (s).
 */
export const FINISH = `${GUARD}
local raw = redis.call('get', KEYS[2])
if not raw then return {'unknown'} end
local m = cjson.decode(raw)
if m.s ~= 'active' then return {'done', m.s} end
if #m.l ~= #KEYS - 2 then return redis.error_reply('reservation lines do not match its marker') end
for i, line in ipairs(m.l) do
  local suffix = 'inv:sku:' .. line[3]
  if string.sub(KEYS[2 + i], -#suffix) ~= suffix then return redis.error_reply('reservation lines do not match its marker') end
end
for i, line in ipairs(m.l) do
  redis.call('hincrby', KEYS[2 + i], 'res:' .. line[1], -line[2])
  if ARGV[1] == 'consumed' then redis.call('hincrby', KEYS[2 + i], 'on:' .. line[1], -line[2]) end
end
m.s = ARGV[1]
redis.call('set', KEYS[2], cjson.encode(m), 'EX', ARGV[2])
return {'ok', m.s}
`;

/**
 * Book a batch of movements on hand. A 'set' (a stock count) books the difference to the counted
 * quantity. Refused as a whole when it would bring on hand of a SKU at a location below what is reserved
 * there (or below zero); the refusal names the batch's last movement there (the one that went too far).
 * KEYS: epoch, marker, one SKU hash per movement. ARGV: ttl (s), then location, 'add' | 'set', value per
 * movement. Answers 'ok', the booked quantities (one per movement), then for each SKU and location whose
 * available to promise crossed its reorder point: the first movement's number, available after, reorder point,
 * and 'low' (fell to it from above) or 'up' (rose above it from at or below).
 */
export const MOVE = `${GUARD}
local prior = redis.call('get', KEYS[2])
if prior then return {'applied', prior} end
local n = #KEYS - 2
local seen, order, deltas = {}, {}, {}
for i = 1, n do
  local key, loc, kind, value = KEYS[2 + i], ARGV[3 * i - 1], ARGV[3 * i], tonumber(ARGV[3 * i + 1])
  local id = key .. '|' .. loc
  local s = seen[id]
  if not s then
    local v = redis.call('hmget', key, 'on:' .. loc, 'res:' .. loc, 'safe:' .. loc, 'rop:' .. loc)
    s = { on = tonumber(v[1]) or 0, res = tonumber(v[2]) or 0, safe = tonumber(v[3]) or 0, rop = tonumber(v[4]), first = i }
    s.start = s.on
    seen[id] = s
    order[#order + 1] = id
  end
  local d = value
  if kind == 'set' then d = value - s.on end
  s.on = s.on + d
  s.last = i
  deltas[i] = d
end
for _, id in ipairs(order) do
  local s = seen[id]
  if s.on < s.start and s.on < s.res then
    return {'refused', tostring(s.last), tostring(s.start), tostring(s.on), tostring(s.res)}
  end
end
for i = 1, n do
  if deltas[i] ~= 0 then redis.call('hincrby', KEYS[2 + i], 'on:' .. ARGV[3 * i - 1], deltas[i]) end
end
local booked = cjson.encode(deltas)
redis.call('set', KEYS[2], booked, 'EX', ARGV[1])
local answer = {'ok', booked}
for _, id in ipairs(order) do
  local s = seen[id]
  local before, after = s.start - s.res - s.safe, s.on - s.res - s.safe
  local crossed = nil
  if s.rop and before > s.rop and after <= s.rop then crossed = 'low' end
  if s.rop and before <= s.rop and after > s.rop then crossed = 'up' end
  if crossed then
    answer[#answer + 1] = tostring(s.first)
    answer[#answer + 1] = tostring(after)
    answer[#answer + 1] = tostring(s.rop)
    answer[#answer + 1] = crossed
  end
end
return answer
`;

/** KEYS: epoch, SKU hash. ARGV: location, safety stock, reorder point. */
export const SET_LEVELS = `${GUARD}
redis.call('hset', KEYS[2], 'safe:' .. ARGV[1], ARGV[2], 'rop:' .. ARGV[1], ARGV[3])
return {'ok'}
`;

/**
 * A short pick: units of an active reservation that are not on the shelf leave both reserved and on hand
 * at that location. Once per operation id (kept in the marker's `ops`). Lines keep their places (a line
 * may go to 0), so the marker and the reservation document stay aligned.
 * KEYS: epoch, marker, one SKU hash per line. ARGV: operation id, then location, SKU and missing per line.
 * Answers 'ok' or 'done', the marker, then the units taken off per line.
 */
export const SHORT_PICK = `${GUARD}
local raw = redis.call('get', KEYS[2])
if not raw then return {'unknown'} end
local m = cjson.decode(raw)
if m.s ~= 'active' then return {'inactive', raw} end
m.ops = m.ops or {}
for _, op in ipairs(m.ops) do if op == ARGV[1] then return {'done', raw} end end
local n = #KEYS - 2
local taken = {}
for i = 1, n do
  local loc, sku, missing = ARGV[3 * i - 1], ARGV[3 * i], tonumber(ARGV[3 * i + 1])
  taken[i] = 0
  for _, line in ipairs(m.l) do
    if line[1] == loc and line[3] == sku and taken[i] < missing then
      local t = math.min(line[2], missing - taken[i])
      line[2] = line[2] - t
      taken[i] = taken[i] + t
    end
  end
  if taken[i] > 0 then
    redis.call('hincrby', KEYS[2 + i], 'res:' .. loc, -taken[i])
    redis.call('hincrby', KEYS[2 + i], 'on:' .. loc, -taken[i])
  end
end
m.ops[#m.ops + 1] = ARGV[1]
local encoded = cjson.encode(m)
redis.call('set', KEYS[2], encoded)
local answer = {'ok', encoded}
for i = 1, n do answer[#answer + 1] = tostring(taken[i]) end
return answer
`;

/**
 * Add lines to an active reservation, all or none, once per operation id (`ext` in the marker).
 * KEYS: epoch, marker, one SKU hash per line. ARGV: operation id, then location, quantity and SKU per line.
 */
export const EXTEND = `${FREE_AT}${GUARD}
local raw = redis.call('get', KEYS[2])
if not raw then return {'unknown'} end
local m = cjson.decode(raw)
if m.s ~= 'active' then return {'inactive', raw} end
m.ext = m.ext or {}
for _, op in ipairs(m.ext) do if op == ARGV[1] then return {'done', raw} end end
local n = #KEYS - 2
for i = 1, n do
  if free_at(KEYS[2 + i], ARGV[3 * i - 1]) < tonumber(ARGV[3 * i]) then return {'conflict', tostring(i)} end
end
for i = 1, n do
  redis.call('hincrby', KEYS[2 + i], 'res:' .. ARGV[3 * i - 1], ARGV[3 * i])
  m.l[#m.l + 1] = { ARGV[3 * i - 1], tonumber(ARGV[3 * i]), ARGV[3 * i + 1] }
end
m.ext[#m.ext + 1] = ARGV[1]
local encoded = cjson.encode(m)
redis.call('set', KEYS[2], encoded)
return {'ok', encoded}
`;
