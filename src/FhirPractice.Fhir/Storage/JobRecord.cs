namespace FhirPractice.Fhir.Storage;

public enum JobStatus { Running, Completed, Failed, Cancelled }

/// <summary>
/// The persisted state of an asynchronous job (such as $reindex), so it can be reported and, when the
/// server stops while it runs, resumed from its last committed step. <see cref="Request"/> and
/// <see cref="Progress"/> are JSON the job's kind defines; the store keeps them as they are.
/// </summary>
public sealed record JobRecord(
    string Id,
    string Kind,
    JobStatus Status,
    string Request,
    string Progress,
    DateTimeOffset Created,
    DateTimeOffset Updated);
