// Reads a patient's $everything through the broker with the npm FHIR client fhir-kit-client,
// unmodified, and prints what it got as one JSON line: the client's own view of the answer.
// usage: node fhir_kit_client_everything.mjs BASE_URL PATIENT_ID TOKEN
import { Client } from 'fhir-kit-client';

const [baseUrl, patientId, token] = process.argv.slice(2);
const client = new Client({ baseUrl, bearerToken: token });
try {
  const capability = await client.capabilityStatement();
  const bundle = await client.operation({ name: 'everything', resourceType: 'Patient', id: patientId, method: 'get' });
  const types = bundle.entry.filter((e) => e.search?.mode === 'match').map((e) => e.resource.resourceType);
  const patient = await client.read({ resourceType: 'Patient', id: patientId });
  console.log(JSON.stringify({
    fhirVersion: capability.fhirVersion,
    bundleType: bundle.type,
    total: bundle.total,
    types: [...new Set(types)].sort(),
    patientId: patient.id,
    identifiers: patient.identifier.length,
  }));
} catch (error) {
  console.log(JSON.stringify({ error: String(error?.response?.status ?? error) }));
  process.exit(1);
}
