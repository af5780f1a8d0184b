/**
 * The health port (/health/live, /health/ready, /metrics) of each service that runService serves, when HEALTH_PORT
 * is not set: distinct, so services side by side on one machine do not collide. The api and the sandbox answer
 * health on their own ports (API_PORT, SANDBOX_PORT). docker-compose.yml and deploy/k8s set these same ports.
 */
export const DEFAULT_HEALTH_PORTS = {
  scheduler: 3101,
  'worker-shopee': 3102,
  'worker-cyberbiz': 3103,
  'worker-shopline': 3104,
  'worker-momo': 3105,
  'erp-writer': 3106,
} as const;
