using System.Globalization;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirPractice.Billing.Charges;

/// <summary>
/// Notes, in the write's own transaction, every ChargeItem version that still needs its account or its price
/// (<see cref="ChargeCompletion.Needed"/>), whatever door wrote it; <see cref="ChargeCompletionWorker"/> completes
/// them after the commit. Only ChargeItems are parsed; they are small.
/// </summary>
public sealed class ChargeWriteHook(ChargeCompletionSignal signal) : IWriteHook
{
    public const string Kind = "billing.charge-completion";

    public void Written(IStoreTransaction transaction, ResourceWrite write)
    {
        if (write.Type != "ChargeItem") return;
        if (!write.Deleted && ChargeCompletion.Needed((ChargeItem)write.Resource()))
            transaction.SaveState(new StateEntry(Kind, write.Id, write.Version.ToString(CultureInfo.InvariantCulture)));
        else if (transaction.ReadState(Kind, write.Id) is not null)
            transaction.DeleteState(Kind, write.Id);
    }

    public void Committed() => signal.Wake();
}

/// <summary>Wakes the completion worker after a commit that may have queued a charge.</summary>
public sealed class ChargeCompletionSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Wake()
    {
        if (_signal.CurrentCount == 0) try { _signal.Release(); } catch (SemaphoreFullException) { }
    }

    public System.Threading.Tasks.Task WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}
