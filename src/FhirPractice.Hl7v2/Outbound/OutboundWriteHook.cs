using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Storage;

namespace FhirPractice.Hl7v2.Outbound;

/// <summary>
/// Queues, inside the write's own transaction, one outbox message per destination for every Appointment version
/// (SIU) and every Patient version that is not a deletion (ADT), and for a Patient's deletion to the destinations
/// whose <see cref="OutboundDestination.PatientEvents"/> send one (A29). Only the resource's identity is queued here,
/// on the store's single writer; the v2 message is built from that stored version when it is first sent.
/// </summary>
public sealed class OutboundWriteHook : IWriteHook
{
    private readonly string[] _siu, _adt, _adtDeletions;
    private readonly OutboundWakeUp _wakeUp;

    public OutboundWriteHook(OutboundOptions options, OutboundWakeUp wakeUp)
    {
        _siu = options.DestinationsFor(OutboundOptions.SiuEvents).ToArray();
        _adt = options.DestinationsFor(OutboundOptions.AdtEvents).ToArray();
        _adtDeletions = _adt.Where(d => PatientEvents.SendsDeletions(options.Destinations[d].PatientEvents)).ToArray();
        _wakeUp = wakeUp;
    }

    public void Written(IStoreTransaction transaction, ResourceWrite write)
    {
        var (kind, destinations) = write.Type switch
        {
            "Appointment" => (OutboundOptions.SiuEvents, _siu),
            "Patient" => (OutboundOptions.AdtEvents, write.Deleted ? _adtDeletions : _adt),
            _ => ("", []),
        };
        foreach (var destination in destinations)
            transaction.Enqueue(new OutboxMessage(0, destination, kind, write.Type, write.Id, write.Version, OutboxStatus.Pending, 0,
                transaction.Timestamp, transaction.Timestamp));
    }

    public void Committed() => _wakeUp.Wake();
}
