/**
 * Third-party images modelplane deploys itself, pinned by digest (the supply-chain rules require it in
 * staging and prod). Bump tag and digest together; every component takes an override.
 */
export const DISTRIBUTION_REGISTRY_IMAGE =
  "docker.io/library/registry:2.8.3@sha256:a3d8aaa63ed8681a604f1dea0aa03f100d5895b6a58ace528858a7b332415373";
/** Only for its `htpasswd` binary: turns the registry credentials into a bcrypt file at pod start. */
export const HTPASSWD_IMAGE =
  "docker.io/library/httpd:2.4-alpine@sha256:1b766f17b84026429b7cb243317b142921b24432336e798bc881c43f45ed9567";
