/** Credentials for local stand-ins: they check that requests are SigV4-signed, not by whom. */
export const FAKE_CREDENTIALS = { accessKeyId: 'AKIDTESTTEST', secretAccessKey: 'test-secret' };
