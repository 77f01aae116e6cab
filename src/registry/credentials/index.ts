/**
 * Registry credentials: Docker auth files, credential helpers and directly
 * given credentials behind one lookup (SEMANTICS §9). Secrets stay in
 * redacting values and are listed by {@link CredentialStore.secrets} for
 * log masking.
 */
export {
  BasicCredential,
  credentialFrom,
  IdentityTokenCredential,
  REDACTED,
  type Credential,
  type CredentialInput,
} from "./credential.ts";
export {
  CredentialStore,
  DEFAULT_HELPER_MAX_OUTPUT_BYTES,
  DEFAULT_HELPER_TIMEOUT_MS,
  loadCredentialStore,
  type CredentialStoreOptions,
  type LookupOptions,
} from "./credential-store.ts";
export {
  helperProgram,
  type HelperOutcome,
  type HelperRequest,
  type HelperRunner,
} from "./credential-helper.ts";
export {
  CredentialsError,
  type CredentialsErrorDetails,
  type CredentialsErrorReason,
} from "./credentials-error.ts";
export { runHelperProcess } from "./run-helper-process.ts";
