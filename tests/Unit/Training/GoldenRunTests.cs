using Functional.Facade.Data;
using Functional.Networks;
using Functional.Training;

namespace Functional.Unit.Tests.Training;

/// <summary>
/// A run whose final parameter hash was recorded once, on the development machine (x64, AVX-512, glibc,
/// .NET 10): the same build and data must give the same bits on any other x64 machine, CI's included. If this
/// fails after a deliberate change to the arithmetic (initialisation, summation order, a formula), record the
/// new hash and say so in the change; if it fails on another machine with no change, determinism is broken.
/// </summary>
public class GoldenRunTests
{
    [Fact]
    public void Fifty_steps_of_a_784_10_10_net_end_at_the_recorded_parameter_hash()
    {
        var data = Mnist.LoadEmbedded();
        var network = Network.TwoLayerNet(784, 10, 10);
        var config = new TrainConfig(steps: 50, batchSize: 10);
        var state = TrainingFold.Start(network, config);
        for (var i = 0; i < config.Steps; i++)
        {
            state = TrainingFold.Step(network, state, data.Train, config).State;
        }
        Assert.Equal("b27876aaee0f5d3bec30e8e40e674c38b4a0679098a1e7f5e141631df41fdc34", state.ToFloat64().Params.Sha256());
    }
}
