#!/usr/bin/env node
// Uploads one file to a tus 1.0 endpoint with tus-js-client and prints one JSON line with the result.
//
//   node upload.js --endpoint http://127.0.0.1:8080/api/v1/uploads --file big.bin
//       [--chunk-size BYTES]          PATCH body size; 0 or absent = the whole rest of the file in one PATCH
//       [--retry-delays 0,250,1000]   milliseconds between retries; the count resets whenever the offset moved
//       [--metadata key=value]...     Upload-Metadata pairs (repeatable)
//       [--header Name:value]...      extra request headers, e.g. Authorization (repeatable)
//       [--url-storage FILE]          remember the upload URL in FILE and resume a previous upload of the same file
//       [--upload-url URL]            resume this upload instead of creating one
//       [--stop-after BYTES]          abort once at least BYTES are acknowledged (the upload stays resumable)
//
// The JSON: {state: "finished"|"stopped", upload_url, file_id, bytes, offset, seconds, mb_per_s, resumed_from,
// retries, requests, final_method, final_request_seconds (the last request, from sending to its answer),
// final_status, final_headers, final_body}. Exit 1 with {state: "failed", error} when the upload fails.
'use strict'

const fs = require('fs')
const tus = require('tus-js-client')

function parse(argv) {
  const options = { metadata: {}, headers: {}, retryDelays: [0, 250, 1000, 3000] }
  for (let i = 2; i < argv.length; i++) {
    const name = argv[i]
    const value = argv[++i]
    if (value === undefined) throw new Error(`${name} needs a value`)
    switch (name) {
      case '--endpoint': options.endpoint = value; break
      case '--file': options.file = value; break
      case '--chunk-size': options.chunkSize = Number(value); break
      case '--retry-delays': options.retryDelays = value.split(',').map(Number); break
      case '--metadata': {
        const at = value.indexOf('=')
        options.metadata[value.slice(0, at)] = value.slice(at + 1)
        break
      }
      case '--header': {
        const at = value.indexOf(':')
        options.headers[value.slice(0, at).trim()] = value.slice(at + 1).trim()
        break
      }
      case '--url-storage': options.urlStorage = value; break
      case '--upload-url': options.uploadUrl = value; break
      case '--stop-after': options.stopAfter = Number(value); break
      default: throw new Error(`unknown option ${name}`)
    }
  }
  if (!options.endpoint && !options.uploadUrl) throw new Error('--endpoint or --upload-url is required')
  if (!options.file) throw new Error('--file is required')
  return options
}

// The ingester names the stored file in the final answer: a JSON body, X-ArtStore-File-Id, or a Link to /api/v1/files/.
function fileIdOf(status, headers, body) {
  try {
    const json = JSON.parse(body)
    if (json && typeof json.file_id === 'string') return json.file_id
  } catch (e) {
    // not JSON: look at the headers
  }
  if (headers['X-ArtStore-File-Id']) return headers['X-ArtStore-File-Id']
  for (const name of ['Link', 'Location']) {
    const match = /\/api\/v1\/files\/([^/?#>\s]+)/.exec(headers[name] || '')
    if (match) return match[1]
  }
  return null
}

async function main() {
  const options = parse(process.argv)
  const size = fs.statSync(options.file).size
  const started = process.hrtime.bigint()
  let retries = 0
  let requests = 0
  let resumedFrom = null
  let last = { status: 0, headers: {}, body: '' }
  let requestStarted = 0n
  let lastRequestSeconds = null

  let urlStorage
  if (options.urlStorage) {
    if (!fs.existsSync(options.urlStorage)) fs.writeFileSync(options.urlStorage, '{}')
    urlStorage = new tus.FileUrlStorage(options.urlStorage)
  }

  const upload = await new Promise((resolve, reject) => {
    let stopped = false
    const upload = new tus.Upload(fs.createReadStream(options.file), {
      endpoint: options.endpoint,
      uploadUrl: options.uploadUrl || null,
      chunkSize: options.chunkSize > 0 ? options.chunkSize : Infinity,
      retryDelays: options.retryDelays,
      metadata: options.metadata,
      headers: options.headers,
      uploadSize: size,
      ...(urlStorage ? { urlStorage, storeFingerprintForResuming: true, removeFingerprintOnSuccess: true } : {}),
      onShouldRetry: (err, attempt, opts) => {
        const status = err.originalResponse ? err.originalResponse.getStatus() : 0
        const retry = status === 0 || status >= 500 || status === 409 || status === 423
        if (retry) retries++
        return retry
      },
      onBeforeRequest: () => {
        requestStarted = process.hrtime.bigint()
      },
      onAfterResponse: (req, res) => {
        requests++
        lastRequestSeconds = Number(process.hrtime.bigint() - requestStarted) / 1e9
        const headers = {}
        for (const name of ['Location', 'Link', 'Upload-Offset', 'Upload-Length', 'X-ArtStore-File-Id', 'Content-Type']) {
          const value = res.getHeader(name)
          if (value) headers[name] = value
        }
        if (req.getMethod() === 'HEAD' && resumedFrom === null) {
          resumedFrom = Number(res.getHeader('Upload-Offset'))
        }
        last = { method: req.getMethod(), status: res.getStatus(), headers, body: res.getBody() || '' }
      },
      onChunkComplete: (chunk, accepted) => {
        if (options.stopAfter && accepted >= options.stopAfter && accepted < size && !stopped) {
          stopped = true
          upload.abort(false).then(() => resolve({ upload, state: 'stopped', offset: accepted }), reject)
        }
      },
      onSuccess: () => resolve({ upload, state: 'finished', offset: size }),
      onError: (error) => reject(error),
    })
    const begin = () => upload.start()
    if (urlStorage) {
      upload.findPreviousUploads().then((previous) => {
        if (previous.length > 0) upload.resumeFromPreviousUpload(previous[0])
        begin()
      }, reject)
    } else {
      begin()
    }
  })

  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const result = {
    state: upload.state,
    upload_url: upload.upload.url,
    file_id: upload.state === 'finished' ? fileIdOf(last.status, last.headers, last.body) : null,
    bytes: size,
    offset: upload.offset,
    seconds,
    mb_per_s: upload.state === 'finished' ? size / 1e6 / seconds : null,
    resumed_from: resumedFrom,
    retries,
    requests,
    final_method: last.method,
    final_request_seconds: lastRequestSeconds,
    final_status: last.status,
    final_headers: last.headers,
    final_body: last.body,
  }
  process.stdout.write(`${JSON.stringify(result)}\n`)
}

main().catch((error) => {
  process.stdout.write(`${JSON.stringify({ state: 'failed', error: String(error && error.message || error) })}\n`)
  process.exit(1)
})
