// Reference baseline: Semaphore v4 (circom + snarkjs Groth16, BN254) membership
// proof generation and verification timings for a depth-20 circuit.
//
// Artifacts (wasm witness generator + Groth16 zkey) come from the npm package
// @zk-kit/semaphore-artifacts, i.e. the same files @semaphore-protocol/proof
// would otherwise download at runtime from snark-artifacts.pse.dev. Nothing is
// fetched over the network.
//
// Usage: node bench.mjs [--runs N] [--warmup W] [--depth D] [--members M]
//   defaults: --runs 10 --warmup 1 --depth 20 --members 8

import { createRequire } from "node:module"
import { readFileSync } from "node:fs"
import { availableParallelism, cpus, loadavg } from "node:os"
import { performance } from "node:perf_hooks"
import { Identity } from "@semaphore-protocol/identity"
import { Group } from "@semaphore-protocol/group"
import { generateProof, verifyProof } from "@semaphore-protocol/proof"
import * as snarkjs from "snarkjs"

const require = createRequire(import.meta.url)

function arg(name, def) {
    const i = process.argv.indexOf(`--${name}`)
    return i >= 0 ? Number(process.argv[i + 1]) : def
}
const RUNS = arg("runs", 10)
const WARMUP = arg("warmup", 1)
const DEPTH = arg("depth", 20)
const MEMBERS = arg("members", 8)

const artifactsDir = require
    .resolve("@zk-kit/semaphore-artifacts/package.json")
    .replace(/package\.json$/, "")
const wasm = `${artifactsDir}semaphore-${DEPTH}.wasm`
const zkey = `${artifactsDir}semaphore-${DEPTH}.zkey`
const vkey = JSON.parse(readFileSync(`${artifactsDir}semaphore-${DEPTH}.json`, "utf8"))

// Parse the zkey binary header to get circuit size. Section 2 = groth16
// header (nVars, nPublic, domainSize); section 4 = A/B coefficients, whose
// largest constraint index is nConstraints + nPublic (snarkjs appends one
// constraint per public input and one for the constant signal).
function zkeyInfo(path) {
    const b = readFileSync(path)
    if (b.toString("latin1", 0, 4) !== "zkey") throw new Error("not a zkey file")
    const nSections = b.readUInt32LE(8)
    let off = 12
    const sec = {}
    for (let i = 0; i < nSections; i++) {
        const type = b.readUInt32LE(off)
        const size = Number(b.readBigUInt64LE(off + 4))
        sec[type] = { start: off + 12, size }
        off += 12 + size
    }
    let p = sec[2].start
    const n8q = b.readUInt32LE(p)
    p += 4 + n8q
    const n8r = b.readUInt32LE(p)
    p += 4 + n8r
    const nVars = b.readUInt32LE(p)
    const nPublic = b.readUInt32LE(p + 4)
    const domainSize = b.readUInt32LE(p + 8)
    p = sec[4].start
    const nCoeffs = b.readUInt32LE(p)
    p += 4
    let maxC = 0
    for (let i = 0; i < nCoeffs; i++) {
        const c = b.readUInt32LE(p + 4)
        if (c > maxC) maxC = c
        p += 12 + n8r
    }
    return { nVars, nPublic, domainSize, nConstraints: maxC - nPublic }
}

// System-wide CPU counters from /proc/stat (Linux), used to estimate how much
// CPU *other* processes used while a proof was being generated.
function procStat() {
    try {
        const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number)
        const total = f.slice(0, 8).reduce((a, b) => a + b, 0)
        return { total, idle: f[3] + f[4] }
    } catch {
        return null
    }
}
const TICK_MS = 10 // USER_HZ = 100 on Linux

function stats(xs) {
    const s = [...xs].sort((a, b) => a - b)
    const q = (f) => s[Math.min(s.length - 1, Math.ceil(f * s.length) - 1)]
    const med = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
    return {
        median: med.toFixed(1),
        p90: q(0.9).toFixed(1),
        min: s[0].toFixed(1),
        max: s[s.length - 1].toFixed(1)
    }
}

async function main() {
    const info = zkeyInfo(zkey)
    console.log(`date:        ${new Date().toISOString()}`)
    console.log(`node:        ${process.version}`)
    console.log(`cpu:         ${cpus()[0]?.model} x ${availableParallelism()}`)
    console.log(`loadavg:     ${loadavg().map((x) => x.toFixed(2)).join(" ")} (start)`)
    console.log(`artifacts:   ${wasm}`)
    console.log(`             ${zkey}`)
    console.log(
        `circuit:     semaphore depth ${DEPTH}: ${info.nConstraints} constraints, ${info.nVars} wires, ` +
            `${info.nPublic} public, FFT domain 2^${Math.log2(info.domainSize)}`
    )

    const identities = Array.from({ length: MEMBERS }, (_, i) => new Identity(`publius-bench-member-${i}`))
    const group = new Group(identities.map((id) => id.commitment))
    const prover = identities[MEMBERS - 1]
    const snarkArtifacts = { wasm, zkey }
    console.log(`group:       ${MEMBERS} members (LeanIMT actual depth ${group.depth}); circuit depth ${DEPTH}`)
    console.log(`runs:        ${WARMUP} warm-up + ${RUNS} measured`)

    const prove = []
    const proveCpu = []
    const foreign = [] // share of machine CPU capacity used by other processes during each prove
    const verify = []
    const verifyVk = []
    for (let i = 0; i < WARMUP + RUNS; i++) {
        const message = `msg-${i}`
        const scope = `scope-${i}`
        const s0 = procStat()
        const c0 = process.cpuUsage()
        let t = performance.now()
        const proof = await generateProof(prover, group, message, scope, DEPTH, snarkArtifacts)
        const tp = performance.now() - t
        const c1 = process.cpuUsage(c0)
        const s1 = procStat()
        const ownMs = (c1.user + c1.system) / 1000
        let fr = NaN
        if (s0 && s1 && s1.total > s0.total) {
            const capMs = (s1.total - s0.total) * TICK_MS
            const busyMs = (s1.total - s0.total - (s1.idle - s0.idle)) * TICK_MS
            fr = Math.max(0, (busyMs - ownMs) / capMs)
        }

        t = performance.now()
        const ok = await verifyProof(proof) // uses the vkeys bundled in @semaphore-protocol/proof
        const tv = performance.now() - t
        if (!ok) throw new Error(`proof ${i} failed to verify`)
        if (proof.merkleTreeRoot !== group.root.toString()) throw new Error("root mismatch")

        if (i >= WARMUP) {
            prove.push(tp)
            proveCpu.push(ownMs)
            foreign.push(fr)
            verify.push(tv)
        }
    }

    // Breakdown: witness generation (circom wasm) vs Groth16 prover, raw snarkjs,
    // same inputs, plus verification against the vkey json shipped with the artifacts.
    const wit = []
    const g16 = []
    {
        const mp = group.generateMerkleProof(group.indexOf(prover.commitment))
        const siblings = [...mp.siblings]
        while (siblings.length < DEPTH) siblings.push(0n)
        const input = {
            secret: prover.secretScalar,
            merkleProofLength: mp.siblings.length,
            merkleProofIndex: mp.index,
            merkleProofSiblings: siblings,
            scope: 1234n,
            message: 5678n
        }
        for (let i = 0; i < WARMUP + RUNS; i++) {
            const wtns = { type: "mem" }
            let t = performance.now()
            await snarkjs.wtns.calculate(input, wasm, wtns)
            const tw = performance.now() - t
            t = performance.now()
            const { proof, publicSignals } = await snarkjs.groth16.prove(zkey, wtns)
            const tg = performance.now() - t
            t = performance.now()
            const ok = await snarkjs.groth16.verify(vkey, publicSignals, proof)
            const tv = performance.now() - t
            if (!ok) throw new Error("raw snarkjs proof failed to verify")
            if (i >= WARMUP) {
                wit.push(tw)
                g16.push(tg)
                verifyVk.push(tv)
            }
        }
    }

    const fmt = (name, xs) => {
        const s = stats(xs)
        console.log(
            `${name.padEnd(38)} median ${s.median.padStart(8)} ms   p90 ${s.p90.padStart(8)} ms   min ${s.min.padStart(8)} ms   max ${s.max.padStart(8)} ms`
        )
    }
    console.log("")
    fmt("prove  (generateProof, end-to-end)", prove)
    fmt("  prove CPU time, all threads", proveCpu)
    const QUIET = 0.15
    const quiet = prove.filter((_, i) => foreign[i] < QUIET)
    if (quiet.length > 0) fmt(`  prove, quiet samples only (${quiet.length}/${prove.length})`, quiet)
    else console.log(`  prove, quiet samples only: none (every sample had >= ${QUIET * 100}% foreign CPU)`)
    fmt("verify (verifyProof)", verify)
    fmt("  witness gen (snarkjs.wtns.calculate)", wit)
    fmt("  groth16 prove (snarkjs.groth16.prove)", g16)
    fmt("  groth16 verify (snarkjs, vkey json)", verifyVk)
    console.log(`loadavg:     ${loadavg().map((x) => x.toFixed(2)).join(" ")} (end)`)
    console.log(`raw prove ms: ${prove.map((x) => x.toFixed(0)).join(" ")}`)
    console.log(`foreign CPU %: ${foreign.map((x) => (100 * x).toFixed(0)).join(" ")}  (other processes' share of all cores during each prove)`)
    console.log(`raw verify ms: ${verify.map((x) => x.toFixed(0)).join(" ")}`)
}

main()
    .then(() => process.exit(0))
    .catch((e) => {
        console.error(e)
        process.exit(1)
    })
