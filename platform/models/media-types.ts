/** CNCF ModelPack media types (see docs/DESIGN.md) and the OCI ones they travel in. */
export const MODEL_ARTIFACT_TYPE = "application/vnd.cncf.model.manifest.v1+json";
export const MODEL_CONFIG_TYPE = "application/vnd.cncf.model.config.v1+json";
export const MODEL_WEIGHT_RAW = "application/vnd.cncf.model.weight.v1.raw";
export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";

/** Layer annotation carrying the file's path inside the model directory (ModelPack). */
export const ANNOTATION_FILEPATH = "org.cncf.model.filepath";
export const ANNOTATION_TITLE = "org.opencontainers.image.title";
export const ANNOTATION_CREATED = "org.opencontainers.image.created";
export const ANNOTATION_VERSION = "org.opencontainers.image.version";
export const ANNOTATION_DESCRIPTION = "org.opencontainers.image.description";
/** image-layout index.json: the tag a manifest is known by. */
export const ANNOTATION_REF_NAME = "org.opencontainers.image.ref.name";
