using Grpc.Core;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Statistics;
using RouteGuide.Core.Tests.Rpc;
using RouteGuideClient = RouteGuide.Core.Protocol.RouteGuide.RouteGuideClient;

namespace RouteGuide.Core.Tests.Fleet;

/// <summary>RouteChat calls for the fleet tests.</summary>
internal static class RouteChatCalls
{
    /// <summary>Posts one note in a RouteChat call of its own and returns the messages of the earlier notes it was answered with.</summary>
    public static async Task<string[]> PostAsync(RouteGuideClient client, GeoPoint location, string message)
    {
        using var call = client.RouteChat(deadline: DateTime.UtcNow.AddSeconds(30));
        await call.RequestStream.WriteAsync(new RouteNote { Location = Routes.ToPoint(location), Message = message });
        await call.RequestStream.CompleteAsync();
        var earlier = new List<string>();
        await foreach (var note in call.ResponseStream.ReadAllAsync())
        {
            earlier.Add(note.Message);
        }

        return [.. earlier];
    }
}
