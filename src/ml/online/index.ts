export {
  isOnlineModel,
  type OnlineModel,
  type PartialFitOptions,
  type StreamOptions,
  type StreamUpdate,
  updateFromStream,
} from './online-model.js'
