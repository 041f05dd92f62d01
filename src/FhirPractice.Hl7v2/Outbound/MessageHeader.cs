using System.Text;
using FhirPractice.Hl7v2.Er7;

namespace FhirPractice.Hl7v2.Outbound;

/// <summary>A new v2.5.1 message with its MSH: who sends it to whom, when, what it is, and its control id.</summary>
internal static class MessageHeader
{
    public const string Version = "2.5.1";

    public static Er7Message Create(OutboundOptions options, OutboundDestination destination, string type, string trigger, string structure,
        string controlId, DateTimeOffset now)
    {
        var m = new Er7Message(Delimiters.Default, Encoding.UTF8);
        m.Set("MSH-3", options.SendingApplication);
        m.Set("MSH-4", options.SendingFacility);
        m.Set("MSH-5", destination.ReceivingApplication);
        m.Set("MSH-6", destination.ReceivingFacility);
        m.Set("MSH-7", V2Fields.Dtm(now));
        m.Set("MSH-9-1", type);
        m.Set("MSH-9-2", trigger);
        m.Set("MSH-9-3", structure);
        m.Set("MSH-10", controlId);
        m.Set("MSH-11", "P");
        m.Set("MSH-12", Version);
        // Original acknowledgment mode: the receiver answers AA/AE/AR once it has processed the message.
        m.Set("MSH-18", "UNICODE UTF-8");
        return m;
    }
}
