// Starts an in-memory PLC directory and a Bluesky PDS, both on 127.0.0.1 only, for elshi's
// end-to-end connector tests. Prints one JSON line {"pds": url, "plc": url} when ready; stops on
// SIGTERM or when its standard input closes (so a killed test run leaves nothing behind).
import net from 'node:net'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'

// Both servers listen on all interfaces by default: pin every bare-port listen to loopback.
const listen = net.Server.prototype.listen
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' && (args.length === 1 || typeof args[1] === 'function')) {
    args.splice(1, 0, '127.0.0.1')
  } else if (typeof args[0] === 'object' && args[0] !== null && args[0].host === undefined && args[0].path === undefined) {
    args[0] = { ...args[0], host: '127.0.0.1' }
  }
  return listen.apply(this, args)
}

// The packages live in ELSHI_PDS_DIR (installed by install.sh), outside the repository.
const base = process.env.ELSHI_PDS_DIR || process.cwd()
const resolveIn = (name) => pathToFileURL(createRequire(path.join(base, 'package.json')).resolve(name)).href
const { PDS, envToCfg, envToSecrets, readEnv } = await import(resolveIn('@atproto/pds'))
const plcModule = await import(resolveIn('@did-plc/server'))
const { PlcServer, Database } = plcModule.default ?? plcModule

const freePort = () => new Promise((resolve, reject) => {
  const server = net.createServer()
  server.once('error', reject)
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address()
    server.close(() => resolve(port))
  })
})

const plcPort = await freePort()
const pdsPort = await freePort()
const plc = PlcServer.create({ db: Database.mock(), port: plcPort })
await plc.start()

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elshi-pds-'))
const hex = (n) => crypto.randomBytes(n).toString('hex')
Object.assign(process.env, {
  PDS_HOSTNAME: 'localhost',
  PDS_PORT: String(pdsPort),
  PDS_DATA_DIRECTORY: path.join(dir, 'data'),
  PDS_BLOBSTORE_DISK_LOCATION: path.join(dir, 'blobs'),
  PDS_JWT_SECRET: hex(16),
  PDS_ADMIN_PASSWORD: hex(16),
  PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX: hex(32),
  PDS_DPOP_SECRET: hex(32),
  PDS_DID_PLC_URL: `http://127.0.0.1:${plcPort}`,
  PDS_DEV_MODE: 'true',
  PDS_INVITE_REQUIRED: 'false',
  PDS_CRAWLERS: '',
  PDS_SERVICE_HANDLE_DOMAINS: '.test',
  LOG_ENABLED: 'false',
})
fs.mkdirSync(process.env.PDS_DATA_DIRECTORY, { recursive: true })
fs.mkdirSync(process.env.PDS_BLOBSTORE_DISK_LOCATION, { recursive: true })
const env = readEnv()
const pds = await PDS.create(envToCfg(env), envToSecrets(env))
await pds.start()

let stopping = false
const stop = async () => {
  if (stopping) return
  stopping = true
  try { await pds.destroy() } catch {}
  try { await plc.destroy() } catch {}
  fs.rmSync(dir, { recursive: true, force: true })
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
process.stdin.on('end', stop)
process.stdin.resume()
console.log(JSON.stringify({ pds: `http://127.0.0.1:${pdsPort}`, plc: `http://127.0.0.1:${plcPort}` }))
