import { describeConcurrentHosts } from "../__fixtures__/concurrent-hosts.js";

describeConcurrentHosts("gcs");
