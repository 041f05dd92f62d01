using FhirPractice.Fhir.Storage;

namespace FhirPractice.Fhir.Rest;

/// <summary>
/// A module's reaction to every new version the engine writes (REST, transactions, and every door that goes
/// through them). <see cref="Written"/> runs inside the store's write transaction right after the version is
/// written, so what it writes there (an outbox message) commits or rolls back with it; it runs on the store's
/// single writer and must be quick: no parsing, no I/O beyond the transaction. <see cref="Committed"/> runs
/// after each write transaction of the engine has committed.
/// </summary>
public interface IWriteHook
{
    /// <summary>
    /// Runs before the version is written, to refuse it (by throwing) while nothing of it is in the transaction yet: a
    /// write refused before anything changed fails alone, without rolling back the writes group-committed with it. It
    /// may read the transaction but not write to it.
    /// </summary>
    void Writing(IStoreTransaction transaction, ResourceWrite write) { }

    void Written(IStoreTransaction transaction, ResourceWrite write);

    void Committed();
}
