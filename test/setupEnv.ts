// The SDK warns on Node 20 that future releases need Node 22; the lockfile pins today's release.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
