using Functional.Data;
using Functional.Facade.Data;
using Functional.Networks;
using Functional.Parameters;
using Functional.Rng;
using Functional.Training;

namespace Functional.Unit.Tests.Training;

public class DataEvaluationTests
{
    private static readonly MnistData Data = Mnist.LoadEmbedded();

    // The plain computation: each chunk drawn as a fresh batch.
    private static (double Loss, long Correct) Plain(Network network, ParamTree<double> p, ILabeledData data)
    {
        var (loss, correct) = (0.0, 0L);
        for (var start = 0; start < data.Count; start += DataEvaluation.Chunk)
        {
            var count = Math.Min(DataEvaluation.Chunk, data.Count - start);
            var (x, t) = data.Range(start, count);
            var (chunkLoss, chunkCorrect) = Mlp.Evaluate(network, p, ParamTree<double>.Empty, x, t);
            loss += chunkLoss * count;
            correct += chunkCorrect;
        }
        return (loss / data.Count, correct);
    }

    [Fact]
    public void Reused_buffers_give_the_plain_chunked_results_bit_for_bit_in_any_order()
    {
        var network = Network.Sequential([784, 30, 10]);
        var p = Mlp.Init(network, RngKey.FromSeed(5), 0.1);
        var sets = new ILabeledData[] { Data.Train, Data.Test, Data.Train, LabeledDataExtensionsTestSet(), Data.Test };
        foreach (var set in sets)
        {
            var (loss, correct) = DataEvaluation.Of(network, p, set);
            var (plainLoss, plainCorrect) = Plain(network, p, set);
            Assert.Equal(BitConverter.DoubleToInt64Bits(plainLoss), BitConverter.DoubleToInt64Bits(loss));
            Assert.Equal(plainCorrect, correct);
        }
    }

    // A third size of last chunk (the first 1,234 test digits), so buffers of several lengths are in play.
    private static DenseData LabeledDataExtensionsTestSet()
    {
        var (x, t) = Data.Test.Range(0, 1234);
        return DenseData.Create(x, [.. t.Indices], 10, "first 1234");
    }
}
