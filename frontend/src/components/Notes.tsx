export function ErrorNote({ error }: { error: string | null }) {
  return error ? <p role="alert" className="error">{error}</p> : null;
}

export function Spinner({ label }: { label: string }) {
  return <span className="spinner-wrap" role="status"><span className="spinner" aria-hidden="true" />{label}</span>;
}
