/** The kafkajs client of the application; injected only inside src/kafka (others use KafkaClients). */
export const KAFKA = Symbol('KAFKA');
