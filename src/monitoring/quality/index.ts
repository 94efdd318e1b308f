export {
  checkQuality,
  type QualityCheck,
  type QualityCheckName,
  type QualityOptions,
  type QualityReport,
  type QualityStatus,
  qualityOptionsSchema,
} from './check-quality.js'
export {
  MAX_PROFILE_CATEGORIES,
  profileReference,
  type ReferenceColumnProfile,
  type ReferenceProfile,
  referenceProfileFromDatasetProfile,
  type SchemaLike,
} from './reference-profile.js'
