/** The annotation that picks a Broker's implementation, and the class used when it is absent. */
export const BROKER_CLASS_ANNOTATION = "eventing.knative.dev/broker.class";
export const DEFAULT_BROKER_CLASS = "MTChannelBasedBroker";
